"""A stand-in app demo module for the seed_demo tests: records how it was called."""

calls: list[tuple[str, object]] = []


def seed(*, stdout, story_end):
    calls.append(("probe", story_end))
    stdout.write("probe seeded\n")

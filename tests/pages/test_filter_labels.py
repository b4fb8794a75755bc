"""Every list filter has a label people can read: django-filter falls back to "[invalid name]"
for a filter that is not a model field and names no label."""

import importlib
import pkgutil

import django_filters

import countylines
import disruptions
import kentsoc
import ocg

PACKAGES = (kentsoc, ocg, countylines, disruptions)


def _filtersets() -> list[type[django_filters.FilterSet]]:
    for package in PACKAGES:
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if module.name.rsplit(".", 1)[-1] in {"filters", "report_forms"} or ".filters" in (
                module.name
            ):
                importlib.import_module(module.name)
    found, todo = [], list(django_filters.FilterSet.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {p.__name__ for p in PACKAGES}:
            found.append(cls)
    return found


def test_every_filter_of_every_list_has_a_readable_label():
    filtersets = _filtersets()
    assert len(filtersets) >= 8, "the walk found the project's FilterSets"
    unlabelled = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in filtersets
        if cls._meta.model is not None
        # Labels come from the model, which a filter learns when its FilterSet is made.
        for name, filter_ in cls(queryset=cls._meta.model.objects.none()).filters.items()
        if "[invalid name]" in str(filter_.label)
    ]
    assert unlabelled == []

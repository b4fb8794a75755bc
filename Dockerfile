# One image for every kentsoc process: web (gunicorn), worker and beat (celery), migrate.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them (the project itself is run from
# /app, pyproject.toml installs no package of its own).
COPY pyproject.toml ./
RUN pip install .

COPY manage.py ./
COPY kentsoc ./kentsoc
COPY ocg ./ocg
COPY countylines ./countylines
COPY disruptions ./disruptions
COPY templates ./templates
COPY static ./static

# Hashed, compressed static files baked into the image; the key only lets settings load here.
RUN DEBUG=false STATIC_MANIFEST=true STATIC_ROOT=/app/staticfiles \
    SECRET_KEY=collectstatic-at-build-time-only-not-a-secret \
    python manage.py collectstatic --no-input -v0

RUN useradd --system --uid 10001 --home-dir /app kentsoc
USER kentsoc

EXPOSE 8000
CMD ["gunicorn", "kentsoc.wsgi:application", "--bind", "0.0.0.0:8000"]

# One image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=asskomm.settings.prod

# WeasyPrint needs Pango; libharfbuzz-subset0 keeps font subsetting fast; fonts with umlauts and ß.
# postgresql-client (15, as the compose database) gives `manage.py backup`/`restore` pg_dump.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation gettext curl postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 asskomm
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY asskomm ./asskomm
COPY accounts ./accounts
COPY municipalities ./municipalities
COPY agreements ./agreements
COPY funding ./funding
COPY analyses ./analyses
COPY figures ./figures
COPY demo ./demo
RUN pip install --no-cache-dir -c constraints.txt -e .

COPY manage.py gunicorn.conf.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale
RUN DJANGO_SECRET_KEY=build-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages -l de \
    && mkdir -p /app/media && chown asskomm:asskomm /app/media

USER asskomm
EXPOSE 8000
CMD ["gunicorn", "asskomm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

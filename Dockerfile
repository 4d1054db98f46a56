# The image for users' servers: web (gunicorn, gthread workers: gunicorn.conf.py), worker and beat all run it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# CJK fonts and HarfBuzz subsetting for WeasyPrint PDFs; gettext for the messages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --uid 1000 app
WORKDIR /app
COPY pyproject.toml README.md ./
# LDAP sign-on is an extra (python-ldap compiles against libldap): docker build --build-arg WITH_LDAP=true
ARG WITH_LDAP=false
RUN if [ "$WITH_LDAP" = true ]; then \
      apt-get update && apt-get install -y --no-install-recommends gcc libldap2-dev libsasl2-dev \
      && pip install --upgrade pip && pip install -e ".[ldap]" \
      && apt-get purge -y gcc && apt-get autoremove -y && apt-get install -y --no-install-recommends libldap-2.5-0 libsasl2-2 \
      && rm -rf /var/lib/apt/lists/*; \
    else pip install --upgrade pip && pip install -e .; fi
COPY . .
# Build-time only values: collectstatic and compilemessages need settings, not secrets.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 \
    sh -c "python manage.py compilemessages --ignore=.venv -v0 && python manage.py collectstatic --noinput -v0" \
 && mkdir -p /app/var/media && chown -R app:app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"]

# The sandbox image: one image for the harness container and the worker container.
# It holds the grader's in-sandbox code and its libraries only: never an exercise
# pack, hidden tests or reference solutions (those are copied into the harness
# container of each run). Wheels are downloaded on the host, so the build itself
# needs no network and no registry credentials or CA bundle end up in the image.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

COPY requirements.txt /tmp/grader-build/requirements.txt
COPY wheels/ /tmp/grader-build/wheels/
RUN python3 -m venv /opt/grader-venv \
 && /opt/grader-venv/bin/pip install --no-index --no-cache-dir --disable-pip-version-check \
      --find-links /tmp/grader-build/wheels -r /tmp/grader-build/requirements.txt \
 && rm -rf /tmp/grader-build

COPY grader/ /opt/grader/grader/
RUN /opt/grader-venv/bin/python -m compileall -q /opt/grader /opt/grader-venv/lib >/dev/null \
 && mkdir -p /run/grader /grading \
 && chown 1000:1000 /run/grader /grading

ENV PATH=/opt/grader-venv/bin:/usr/local/bin:/usr/bin:/bin \
    PYTHONPATH=/opt/grader \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 \
    HOME=/tmp \
    LANG=C.UTF-8 \
    MPLBACKEND=Agg
USER 1000:1000
WORKDIR /tmp

# One image for every SyncStore service; the Deployment picks the module to run.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gen ./gen
COPY services ./services
COPY client ./client
COPY sandbox ./sandbox
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --system --uid 10001 syncstore
COPY --from=build /install /usr/local
USER 10001
ENV PYTHONUNBUFFERED=1 LOG_FORMAT=json
ENTRYPOINT ["python", "-m"]
CMD ["services.catalog"]

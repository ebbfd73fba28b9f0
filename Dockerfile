# syntax=docker/dockerfile:1

# ---- build ------------------------------------------------------------------------------------
FROM swift:6.1-bookworm AS build

RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        libpq-dev libyaml-dev libcurl4-openssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Resolve dependencies in their own layer so source edits do not re-download them.
# (Package.resolved is not in git; the glob copies it when present.)
COPY Package.* ./
RUN swift package resolve

# Only what the package needs: copying the whole context would also copy a host .build folder.
# SwiftPM checks that every declared target's folder exists, so Tests/ is needed to build too.
# Folders are copied only when present (git keeps no empty folders; COPY would fail on them).
RUN --mount=type=bind,target=/context \
    for d in Sources Tests plugins agents schemas; do \
        if [ -d "/context/$d" ]; then cp -R "/context/$d" "./$d"; else mkdir -p "./$d"; fi; \
    done

# Everything: the papo executable and the plugin dynamic-library products. The Swift runtime
# stays shared (no -static-stdlib): host and plugins must use one copy of it.
RUN swift build -c release \
    && bin="$(swift build -c release --show-bin-path)" \
    && mkdir -p /staging/bin /staging/plugins \
    && cp "$bin/papo" /staging/bin/ \
    && find "$bin" -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/bin/ \; \
    && find "$bin" -maxdepth 1 -name '*.so' -exec cp {} /staging/plugins/ \; \
    && (cd plugins && find . -type f ! -name '*.swift' ! -name '*.c' ! -name '*.h' \
            -exec cp --parents {} /staging/plugins/ \;)

# ---- runtime ----------------------------------------------------------------------------------
FROM debian:bookworm-slim

# tzdata: tenants have time zones (prompt variables use local date/time).
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends \
        libpq5 libyaml-0-2 libcurl4 ca-certificates tzdata libstdc++6 \
    && rm -rf /var/lib/apt/lists/*

# Same path as in the build image, which is where the binaries' rpath points; ldconfig also
# makes the runtime visible to plugins loaded with dlopen.
COPY --from=build /usr/lib/swift/linux/*.so /usr/lib/swift/linux/
RUN echo /usr/lib/swift/linux > /etc/ld.so.conf.d/swift.conf && ldconfig

RUN useradd --system --create-home --home-dir /home/papo --shell /usr/sbin/nologin papo \
    && mkdir -p /app/data && chown papo:papo /app/data

WORKDIR /app
COPY --from=build /staging/bin/ /app/bin/
COPY --from=build /staging/plugins/ /app/plugins/
COPY --from=build /build/agents/ /app/agents/
COPY --from=build /build/schemas/ /app/schemas/

ENV PATH=/app/bin:$PATH \
    PAPO_PORT=8080 \
    PAPO_HOST=0.0.0.0 \
    PAPO_AGENTS_DIR=/app/agents \
    PAPO_PLUGINS_DIR=/app/plugins

USER papo
EXPOSE 8080

ENTRYPOINT ["papo"]
CMD ["serve"]

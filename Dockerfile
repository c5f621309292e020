# syntax=docker/dockerfile:1
# sluice's container image, for those who build with Docker: docker build -t sluice .
# The same image as the Jib build of cli/pom.xml (deploy/image/README.md): the same layout under
# /app, entrypoint, user, JVM options, port and labels; ContainerImageTest compares the two.
# The bases are pinned by tag; pin them by digest (FROM eclipse-temurin:17-jre@sha256:...) for a
# release.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# The runtime libraries in Maven's order, as Jib writes its classpath file.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl cli -am -DskipTests package dependency:build-classpath \
      -DincludeScope=runtime -Dmdep.prefix=/app/libs -Dmdep.outputFile=target/runtime-classpath \
 && mkdir -p /out/libs /out/classpath \
 && cp cli/target/lib/*.jar /out/libs/ \
 && cp cli/target/sluice.jar /out/classpath/ \
 && printf '/app/classpath/*:%s' "$(cat cli/target/runtime-classpath)" > /out/jib-classpath-file \
 && printf 'io.sluice.cli.SluiceCommand' > /out/jib-main-class-file

FROM eclipse-temurin:17-jre
COPY --from=build /out/libs /app/libs
COPY --from=build /out/classpath /app/classpath
COPY --from=build /out/jib-classpath-file /out/jib-main-class-file /app/
# JVM options in JAVA_TOOL_OPTIONS, not on the command line, so a deployment can replace them
# (the Helm chart does, from jvm.maxRamPercentage and jvm.extraOptions).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# The Helm chart's podSecurityContext runs as 10001:10001 too.
USER 10001:10001
WORKDIR /app
# /health, /ready, /metrics and the admin API (admin.port)
EXPOSE 8081
# Writable under a read-only root filesystem (the chart mounts an emptyDir there).
VOLUME /tmp
LABEL org.opencontainers.image.title="sluice" \
      org.opencontainers.image.description="Change-data-capture from PostgreSQL and Greenplum into Aurora PostgreSQL" \
      org.opencontainers.image.source="https://github.com/sluice/sluice"
ENTRYPOINT ["java", "-cp", "@/app/jib-classpath-file", "io.sluice.cli.SluiceCommand"]

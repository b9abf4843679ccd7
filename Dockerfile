# syntax=docker/dockerfile:1
# Graft: multi-stage build, runs as a non-root user.
#   CPU image (default):  docker build -t graft .
#   CUDA image:           docker build --build-arg VARIANT=cuda -t graft:cuda .
# The jar carries libtorch 2.7.1 for the CPU. No CUDA build of that libtorch is on Maven Central,
# but DJL's pytorch-jni jar already holds the cu128 JNI library, so the CUDA image copies
# libtorch 2.7.1+cu128 out of the official PyTorch runtime image and points DJL at it.
ARG VARIANT=cpu

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp dependency:go-offline
COPY src src
COPY openapi.yaml ./
RUN ./mvnw -B -ntp -DskipTests package

FROM pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime AS libtorch-cuda
# torch/lib holds libtorch, libtorch_cuda, libc10_cuda and the CUDA runtime libraries they link.
RUN mkdir -p /opt/libtorch && cp -a "$(python -c 'import torch, os; print(os.path.dirname(torch.__file__))')/lib" /opt/libtorch/lib

FROM eclipse-temurin:17-jre AS runtime-cpu
RUN groupadd --system graft && useradd --system --gid graft --home-dir /var/lib/graft --create-home graft

FROM runtime-cpu AS runtime-cuda
COPY --from=libtorch-cuda /opt/libtorch /opt/libtorch
# DJL loads this libtorch instead of the CPU one inside the jar.
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128 \
    LD_LIBRARY_PATH=/opt/libtorch/lib

FROM runtime-${VARIANT} AS runtime
WORKDIR /var/lib/graft
COPY --from=build /src/target/graft.jar /opt/graft/graft.jar
USER graft
# A container serves other hosts, so Graft listens on all interfaces; it then refuses to start
# without GRAFT_SECURITY_ADMIN_KEY (open mode is for loopback only).
ENV SERVER_ADDRESS=0.0.0.0 \
    GRAFT_STORAGE_ROOT=/var/lib/graft/artifacts \
    GRAFT_DATABASE_EMBEDDED_DATA_DIRECTORY=/var/lib/graft/postgres \
    GRAFT_TRAINING_DATA_DIRECTORY=/var/lib/graft
VOLUME ["/var/lib/graft"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q UP <&3"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/graft/graft.jar"]

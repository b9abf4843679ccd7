package dev.graft.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper for descriptors and checkpoint state (camelCase, pretty-printed). A field an
 * older artifact or checkpoint lacks reads as its zero value, which is what it meant then (no
 * weight decay, no smoothing, no class balance).
 */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    private Json() {
    }

    static void write(Path file, Object value) {
        try {
            Files.writeString(file, MAPPER.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(Path file, Class<T> type) {
        return MAPPER.readValue(file.toFile(), type);
    }
}

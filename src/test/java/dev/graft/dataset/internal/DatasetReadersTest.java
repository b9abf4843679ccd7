package dev.graft.dataset.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatasetReadersTest {

    @ParameterizedTest
    @EnumSource(DatasetFormat.class)
    void everyFormatHasAReaderForThatFormat(DatasetFormat format) {
        assertThat(DatasetReaders.forFormat(format).format()).isEqualTo(format);
    }
}

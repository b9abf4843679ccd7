package dev.graft.dataset;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Multipart limits come from {@code graft.datasets.max-upload-size} rather than Spring's 1 MB /
 * 10 MB defaults. Parts are spooled to disk past a small threshold, so a 2 GB upload never sits
 * in memory.
 */
@Configuration(proxyBeanMethods = false)
class UploadConfiguration {

    @Bean
    MultipartConfigElement multipartConfigElement(DatasetProperties properties) {
        MultipartConfigFactory factory = new MultipartConfigFactory();
        factory.setMaxFileSize(properties.maxUploadSize());
        // The form's small text fields ride along with the file; allow them 1 MB on top.
        factory.setMaxRequestSize(DataSize.ofBytes(properties.maxUploadSize().toBytes() + DataSize.ofMegabytes(1).toBytes()));
        factory.setFileSizeThreshold(DataSize.ofKilobytes(256));
        return factory.createMultipartConfig();
    }
}

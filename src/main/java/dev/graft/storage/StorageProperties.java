package dev.graft.storage;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Where the local artifact store keeps its files. */
@ConfigurationProperties("graft.storage")
public record StorageProperties(@DefaultValue("./data/artifacts") Path root) {
}

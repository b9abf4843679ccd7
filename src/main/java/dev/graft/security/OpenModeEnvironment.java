package dev.graft.security;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Open mode (no admin key) serves only loopback: where no {@code server.address} is set, this
 * sets 127.0.0.1 as the lowest-precedence default, before the web server reads it.
 * {@link SecurityStartupCheck} refuses any other address.
 */
class OpenModeEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String LOOPBACK = "127.0.0.1";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String adminKey = environment.getProperty("graft.security.admin-key");
        if ((adminKey == null || adminKey.isBlank()) && !environment.containsProperty("server.address")) {
            environment.getPropertySources().addLast(new MapPropertySource("graft-open-mode",
                    Map.of("server.address", LOOPBACK)));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}

package dev.graft.worker;

import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * A process in {@code worker} mode serves no HTTP: it switches the web server off before the
 * application context is created (a bean would be too late). Runs after the config files are read.
 */
class ModeEnvironment implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String mode = environment.getProperty("graft.mode", "all").trim().toUpperCase(Locale.ROOT);
        if (mode.equals(GraftMode.WORKER.name())) {
            environment.getPropertySources().addFirst(new MapPropertySource("graft-worker-mode",
                    Map.of("spring.main.web-application-type", "none")));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}

package dev.graft;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GraftApplication {

    public static void main(String[] args) {
        SpringApplication.run(GraftApplication.class, args);
    }
}

package dev.graft;

import dev.graft.image.Photos;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GraftApplication {

    public static void main(String[] args) {
        // Before any request or job decodes an image: no ImageIO temp files, the TwelveMonkeys JPEG reader.
        Photos.configure();
        SpringApplication.run(GraftApplication.class, args);
    }
}

package dev.graft.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.graft.support.GraftServerTest;

/**
 * The other half of the contract test (the first: every exchange in the full-stack tests is
 * validated against openapi.yaml by {@code ApiClient}): every route the server has is in
 * openapi.yaml, and every operation there is served.
 */
@GraftServerTest
class OpenApiCoverageTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyServedOperationIsDocumentedAndEveryDocumentedOneIsServed() {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            // /error is the container's fallback (ProblemErrorController), not an API operation.
            if (!method.getBeanType().getPackageName().startsWith("dev.graft")
                    || method.getBeanType() == ProblemErrorController.class) {
                return;
            }
            for (String pattern : info.getPatternValues()) {
                info.getMethodsCondition().getMethods().forEach(m -> served.add(m.name() + " " + pattern));
            }
        });
        var parsed = new OpenAPIV3Parser().readLocation("openapi.yaml", null, null);
        assertThat(parsed.getMessages()).as("openapi.yaml parse problems").isEmpty();
        OpenAPI api = parsed.getOpenAPI();
        Set<String> documented = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().keySet().forEach(m -> {
            if (!path.startsWith("/actuator/")) {
                documented.add(m.name() + " " + path);
            }
        }));

        assertThat(served).isNotEmpty().isEqualTo(documented);
    }
}

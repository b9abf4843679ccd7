package dev.graft;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Entity;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.data.repository.Repository;
import org.springframework.util.ClassUtils;

/**
 * The package-by-feature rules of STYLE.md that a compiler does not check: entities and
 * repositories stay inside their feature, which is reached only through its facade.
 */
class ArchitectureTest {

    @Test
    void entitiesAndRepositoriesAreNotPublic() throws Exception {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(org.springframework.beans.factory.annotation.AnnotatedBeanDefinition definition) {
                return true; // interfaces too: repositories are interfaces
            }
        };
        scanner.addIncludeFilter(new AnnotationTypeFilter(Entity.class));
        scanner.addIncludeFilter(new AssignableTypeFilter(Repository.class));
        List<String> found = new ArrayList<>();
        List<String> publicOnes = new ArrayList<>();
        for (var candidate : scanner.findCandidateComponents("dev.graft")) {
            Class<?> type = ClassUtils.forName(candidate.getBeanClassName(), getClass().getClassLoader());
            found.add(type.getName());
            if (Modifier.isPublic(type.getModifiers())) {
                publicOnes.add(type.getName());
            }
        }
        assertThat(found).contains("dev.graft.dataset.Dataset", "dev.graft.dataset.DatasetRepository");
        assertThat(publicOnes).isEmpty();
    }
}

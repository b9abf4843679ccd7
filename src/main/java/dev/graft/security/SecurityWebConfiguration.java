package dev.graft.security;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Puts {@link Authentication} in front of the API and hands controllers their {@link Caller}. */
@Configuration(proxyBeanMethods = false)
class SecurityWebConfiguration implements WebMvcConfigurer {

    private final Authentication authentication;

    SecurityWebConfiguration(Authentication authentication) {
        this.authentication = authentication;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(authentication).addPathPatterns("/v1/**");
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == Caller.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                    WebDataBinderFactory binders) {
                Object caller = request.getAttribute(Authentication.CALLER, RequestAttributes.SCOPE_REQUEST);
                if (caller == null) {
                    // Only reachable if a /v1 route escaped the interceptor: fail closed.
                    throw new IllegalStateException("No authenticated caller for " + parameter.getExecutable());
                }
                return caller;
            }
        });
    }
}

package dev.graft.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Spring Boot's short "APPLICATION FAILED TO START" for an unsafe security setting, not a stack trace. */
class SecurityFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeSecurityConfiguration> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsafeSecurityConfiguration cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}

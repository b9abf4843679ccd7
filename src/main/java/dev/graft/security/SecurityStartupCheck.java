package dev.graft.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Refuses to start an unsafe configuration: open mode on a non-loopback address (anyone on the
 * network would have the whole service), or an admin key too short to resist guessing.
 */
@Component
class SecurityStartupCheck implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(SecurityStartupCheck.class);

    private final SecurityProperties properties;
    private final Environment environment;

    SecurityStartupCheck(SecurityProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    @Override
    public void afterPropertiesSet() {
        if (!properties.openMode()) {
            if (properties.adminKey().strip().length() < SecurityProperties.MIN_ADMIN_KEY_LENGTH) {
                throw new UnsafeSecurityConfiguration("graft.security.admin-key is shorter than "
                        + SecurityProperties.MIN_ADMIN_KEY_LENGTH + " characters",
                        "Use a long random admin key, e.g. GRAFT_SECURITY_ADMIN_KEY=$(openssl rand -hex 32)");
            }
            log.info("API keys required: tenants and keys are managed under /v1/admin with the admin key");
            return;
        }
        if ("none".equalsIgnoreCase(environment.getProperty("spring.main.web-application-type"))) {
            return; // a worker process serves no HTTP
        }
        String address = environment.getProperty("server.address", OpenModeEnvironment.LOOPBACK);
        refuseUnlessLoopback("server.address", address);
        String managementPort = environment.getProperty("management.server.port", "");
        if (!managementPort.isBlank() && !managementPort.equals(environment.getProperty("server.port"))
                && !managementPort.strip().equals("-1")) {
            // A separate management server binds where management.server.address says, and to every interface without it.
            refuseUnlessLoopback("management.server.address", environment.getProperty("management.server.address", ""));
        }
        log.warn("OPEN MODE: no admin key is configured, so Graft is single-tenant and unauthenticated; it listens on {} "
                + "only. Set graft.security.admin-key to require API keys.", address);
    }

    private static void refuseUnlessLoopback(String property, String address) {
        if (!loopback(address)) {
            String where = address.isBlank() ? "empty, which binds every interface"
                    : address + ", which is not a loopback address";
            throw new UnsafeSecurityConfiguration("No API keys are configured (open mode) and " + property + " is "
                    + where + ": anyone who can reach it would have every dataset and model",
                    "Set an admin key (GRAFT_SECURITY_ADMIN_KEY) and create tenants and keys under /v1/admin, or bind to "
                            + "127.0.0.1 for single-user local use");
        }
    }

    /** Blank is not loopback: InetAddress reads "" as localhost, but the web server binds every interface to it. */
    private static boolean loopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        }
        catch (UnknownHostException e) {
            return false;
        }
    }
}

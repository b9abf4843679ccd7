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
        if (!loopback(address)) {
            throw new UnsafeSecurityConfiguration("No API keys are configured (open mode) and server.address is "
                    + address + ", which is not a loopback address: anyone who can reach it would have every dataset and model",
                    "Set an admin key (GRAFT_SECURITY_ADMIN_KEY) and create tenants and keys under /v1/admin, or bind to "
                            + "127.0.0.1 for single-user local use");
        }
        log.warn("OPEN MODE: no admin key is configured, so Graft is single-tenant and unauthenticated; it listens on {} "
                + "only. Set graft.security.admin-key to require API keys.", address);
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        }
        catch (UnknownHostException e) {
            return false;
        }
    }
}

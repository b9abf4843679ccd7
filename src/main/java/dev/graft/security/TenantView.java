package dev.graft.security;

/** A tenant as the admin API shows it. */
record TenantView(String id, String object, String name, long createdAt) {
}

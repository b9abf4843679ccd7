package dev.graft.web;

/**
 * One entry of a problem's {@code errors} array. {@code location} is a JSON pointer or form
 * field name for request fields, {@code line:column} for CSV cells, an archive path for ZIPs.
 */
public record FieldError(String location, String message) {
}

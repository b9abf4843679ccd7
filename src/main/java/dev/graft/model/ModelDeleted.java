package dev.graft.model;

public record ModelDeleted(String id, String object, boolean deleted) {
}

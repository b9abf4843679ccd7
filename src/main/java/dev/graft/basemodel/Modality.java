package dev.graft.basemodel;

/** What kind of input a model takes. */
public enum Modality {
    TABULAR, IMAGE, TEXT
}

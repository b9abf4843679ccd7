package dev.graft.training;

import ai.djl.nn.Parameter;

/**
 * A parameter the optimiser updates, under a stable path name (the key of optimiser state in
 * checkpoints; DJL's parameter ids are random UUIDs), with its own learning rate; {@code decays} says whether weight decay applies (weights do,
 * biases and normalisation parameters do not).
 */
record TrainableParameter(String name, Parameter parameter, float learningRate, boolean decays) {
}

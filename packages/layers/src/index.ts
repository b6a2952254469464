export { GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
export { Linear, uniformParameter } from './linear.js';
export { ManualLinear } from './manual_linear.js';
export { Module, type StateDict } from './module.js';
export { Parameter } from './parameter.js';
export { NeuralNet, Sequential } from './sequential.js';

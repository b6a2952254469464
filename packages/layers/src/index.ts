export { GELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
export { Conv2d, type Conv2dLayerOptions } from './conv.js';
export { Dropout } from './dropout.js';
export { Linear, uniformParameter } from './linear.js';
export { ManualLinear } from './manual_linear.js';
export { Module, type StateDict } from './module.js';
export { Parameter } from './parameter.js';
export { AdaptiveAvgPool2d, AvgPool2d, Flatten, MaxPool2d } from './pooling.js';
export { NeuralNet, Sequential } from './sequential.js';

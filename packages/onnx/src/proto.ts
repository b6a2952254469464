/**
 * The part of ONNX's `onnx.proto` (proto2, package `onnx`) that a dense inference graph uses:
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
 * TensorShapeProto, OperatorSetIdProto, StringStringEntryProto. Field numbers are the schema's;
 * fields we never read or write (training info, sparse tensors, sequences, maps) are left out, and
 * protobufjs skips them when decoding a file that has them.
 *
 * The messages are described to protobufjs's reflection API at load time instead of generated from
 * the .proto at build time: no code generator in the build, and the whole schema we depend on sits
 * on one page.
 */

import { ValueError } from '@nnet/tensor';
import protobuf from 'protobufjs/light.js';

/** TensorProto.DataType values. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

/** AttributeProto.AttributeType values. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

export interface TensorProto {
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  name?: string;
  rawData?: Uint8Array;
  externalData?: { key?: string; value?: string }[];
  dataLocation?: number;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute?: AttributeProto[];
  docString?: string;
}

export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: DimensionProto[] } } };
  docString?: string;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  docString?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
}

export interface ModelProto {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  metadataProps?: { key?: string; value?: string }[];
}

const field = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });

const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: { fields: { key: field(1, 'string'), value: field(2, 'string') } },
        OperatorSetIdProto: { fields: { domain: field(1, 'string'), version: field(2, 'int64') } },
        TensorProto: {
          fields: {
            dims: field(1, 'int64', 'repeated'),
            dataType: field(2, 'int32'),
            floatData: { ...field(4, 'float', 'repeated'), options: { packed: true } },
            int32Data: { ...field(5, 'int32', 'repeated'), options: { packed: true } },
            int64Data: { ...field(7, 'int64', 'repeated'), options: { packed: true } },
            name: field(8, 'string'),
            rawData: field(9, 'bytes'),
            doubleData: { ...field(10, 'double', 'repeated'), options: { packed: true } },
            docString: field(12, 'string'),
            externalData: field(13, 'StringStringEntryProto', 'repeated'),
            dataLocation: field(14, 'int32'),
          },
        },
        AttributeProto: {
          fields: {
            name: field(1, 'string'),
            f: field(2, 'float'),
            i: field(3, 'int64'),
            s: field(4, 'bytes'),
            t: field(5, 'TensorProto'),
            g: field(6, 'GraphProto'),
            floats: field(7, 'float', 'repeated'),
            ints: field(8, 'int64', 'repeated'),
            strings: field(9, 'bytes', 'repeated'),
            docString: field(13, 'string'),
            type: field(20, 'int32'),
          },
        },
        NodeProto: {
          fields: {
            input: field(1, 'string', 'repeated'),
            output: field(2, 'string', 'repeated'),
            name: field(3, 'string'),
            opType: field(4, 'string'),
            attribute: field(5, 'AttributeProto', 'repeated'),
            docString: field(6, 'string'),
            domain: field(7, 'string'),
          },
        },
        TensorShapeProto: {
          fields: { dim: field(1, 'Dimension', 'repeated') },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: field(1, 'int64'),
                dimParam: field(2, 'string'),
                denotation: field(3, 'string'),
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: field(1, 'TensorType'), denotation: field(6, 'string') },
          nested: {
            TensorType: { fields: { elemType: field(1, 'int32'), shape: field(2, 'TensorShapeProto') } },
          },
        },
        ValueInfoProto: {
          fields: { name: field(1, 'string'), type: field(2, 'TypeProto'), docString: field(3, 'string') },
        },
        GraphProto: {
          fields: {
            node: field(1, 'NodeProto', 'repeated'),
            name: field(2, 'string'),
            initializer: field(5, 'TensorProto', 'repeated'),
            docString: field(10, 'string'),
            input: field(11, 'ValueInfoProto', 'repeated'),
            output: field(12, 'ValueInfoProto', 'repeated'),
            valueInfo: field(13, 'ValueInfoProto', 'repeated'),
          },
        },
        ModelProto: {
          fields: {
            irVersion: field(1, 'int64'),
            producerName: field(2, 'string'),
            producerVersion: field(3, 'string'),
            domain: field(4, 'string'),
            modelVersion: field(5, 'int64'),
            docString: field(6, 'string'),
            graph: field(7, 'GraphProto'),
            opsetImport: field(8, 'OperatorSetIdProto', 'repeated'),
            metadataProps: field(14, 'StringStringEntryProto', 'repeated'),
          },
        },
      },
    },
  },
});

const Model = root.lookupType('onnx.ModelProto');

/** Serialises a ModelProto to the bytes of a .onnx file. */
export function encodeModel(model: ModelProto): Uint8Array {
  const problem = Model.verify(model);
  if (problem)
    throw new ValueError(`exportOnnx: internal error, the model does not fit onnx.proto (${problem}).`);
  return Model.encode(Model.fromObject(model)).finish();
}

/**
 * Parses the bytes of a .onnx file. int64 fields become numbers (ONNX shapes and attributes fit in
 * 2⁵³); bytes fields stay Uint8Array. A file that is not a ModelProto throws ValueError.
 */
export function decodeModel(bytes: Uint8Array, op: string): ModelProto {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(`${op}: expected the file's bytes as a Uint8Array, got ${typeof bytes}.`);
  }
  let decoded: protobuf.Message;
  try {
    decoded = Model.decode(bytes);
  } catch (e) {
    throw new ValueError(
      `${op}: the bytes are not an ONNX model (protobuf decoding failed: ${(e as Error).message}). ` +
        'Pass the whole contents of a .onnx file.',
    );
  }
  const model = Model.toObject(decoded, { longs: Number, arrays: true }) as ModelProto;
  if (!model.graph || !model.opsetImport?.length) {
    throw new ValueError(
      `${op}: the bytes decode, but hold no ${model.graph ? 'opset_import' : 'graph'}; this is not an ONNX model file.`,
    );
  }
  return model;
}

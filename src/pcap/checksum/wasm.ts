// Memory that the WebAssembly summer (sum.wat) can read. The capture reader allocates its buffers
// here, so the checksum of a frame in them is summed in place with 128-bit vectors, about four
// times faster than 32-bit words in JavaScript. Where WebAssembly or its SIMD is missing (an old
// CPU, --jitless, a memory limit), allocation returns undefined and the JavaScript sum is used.
import { SUM_WASM_BASE64 } from './sum-wasm.js';

/** Sum of the big-endian 16-bit words of the bytes at [p, p + n) of the memory, folded to 16 bits. */
export type Sum16 = (p: number, n: number) => number;

/** The part of the WebAssembly API used here (the Node typings declare its types only). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (mod: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
const summers = new WeakMap<ArrayBufferLike, Sum16>();

function summerModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasm === undefined || process.env.PODPATH_NO_WASM ? null : new wasm.Module(Buffer.from(SUM_WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** `size` bytes of memory the summer reads in place, or undefined when it cannot be had. */
export function allocateSummable(size: number): Uint8Array | undefined {
  const mod = summerModule();
  if (mod === null || wasm === undefined) return undefined;
  try {
    const mem = new wasm.Memory({ initial: Math.max(1, Math.ceil(size / 65536)) });
    const instance = new wasm.Instance(mod, { env: { mem } });
    summers.set(mem.buffer, instance.exports.sum16 as Sum16);
    return new Uint8Array(mem.buffer, 0, size);
  } catch {
    return undefined;
  }
}

/** The summer of memory allocated by allocateSummable, else undefined. */
export function summerFor(buffer: ArrayBufferLike): Sum16 | undefined {
  return summers.get(buffer);
}

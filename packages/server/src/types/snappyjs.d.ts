/** Types of snappyjs (MIT, pure JavaScript Snappy), which ships none. */
declare module 'snappyjs' {
  /** Decompresses a raw (unframed) Snappy block; throws on a corrupt one or one longer than `maxLength`. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  /** Compresses into a raw Snappy block. */
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
}

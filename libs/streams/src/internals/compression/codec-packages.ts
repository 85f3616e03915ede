import { createRequire } from 'node:module';
import { CompressionConfigError } from './errors';

/**
 * The native codec packages, loaded on first use so that an installation without one of them
 * still runs every other codec and reports the missing one by its package name.
 * All three are napi-rs builds shipped as prebuilt binaries in platform packages (no install script).
 */
export const CODEC_PACKAGES = {
  snappy: 'snappy',
  lz4: 'lz4-napi',
  zstd: '@toondepauw/node-zstd',
} as const;

export type NativeCodecName = keyof typeof CODEC_PACKAGES;

/** The part of `snappy` used here (raw snappy blocks). */
export interface SnappyPackage {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, options: { asBuffer: true }): string | Buffer;
}

/** The part of `lz4-napi` used here (the LZ4 frame format, as Kafka uses). */
export interface Lz4Package {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}

/** The part of `@toondepauw/node-zstd` used here (a streaming decoder: frames without a content size too). */
export interface ZstdPackage {
  Encoder: new (level: number) => { encodeSync(data: Buffer): Buffer };
  Decoder: new () => { decodeSync(data: Buffer): Buffer };
}

interface PackageTypes {
  snappy: SnappyPackage;
  lz4: Lz4Package;
  zstd: ZstdPackage;
}

const REQUIRED_EXPORTS: { readonly [N in NativeCodecName]: readonly string[] } = {
  snappy: ['compressSync', 'uncompressSync'],
  lz4: ['compressFrameSync', 'decompressFrameSync'],
  zstd: ['Encoder', 'Decoder'],
};

const load = createRequire(__filename);
const loaded = new Map<NativeCodecName, { module?: unknown; error?: CompressionConfigError }>();

/** The codec's package, or a CompressionConfigError naming the package to install. */
export function codecPackage<N extends NativeCodecName>(name: N): PackageTypes[N] {
  let entry = loaded.get(name);
  if (!entry) {
    entry = loadCodecPackage(name);
    loaded.set(name, entry);
  }
  if (entry.error) throw entry.error;
  return entry.module as PackageTypes[N];
}

/** Whether the codec's package can be loaded. */
export function codecAvailable(name: NativeCodecName): boolean {
  try {
    codecPackage(name);
    return true;
  } catch {
    return false;
  }
}

/** Loads a codec's package (another package name only in specs) and checks its exports; never throws. */
export function loadCodecPackage(name: NativeCodecName, pkg: string = CODEC_PACKAGES[name]): { module?: unknown; error?: CompressionConfigError } {
  let module: unknown;
  try {
    module = load(pkg);
  } catch (cause) {
    return { error: new CompressionConfigError(`${name} compression needs the package ${pkg}, which could not be loaded (install it): ${(cause as Error).message}`, { cause }) };
  }
  const missing = REQUIRED_EXPORTS[name].filter((key) => typeof (module as Record<string, unknown>)[key] !== 'function');
  if (missing.length > 0) {
    return { error: new CompressionConfigError(`${name} compression needs ${pkg} with ${missing.join(', ')}; the installed version has not`) };
  }
  return { module };
}

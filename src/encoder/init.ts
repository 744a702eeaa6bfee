// Weights of an UNTRAINED encoder, drawn as Aurora initialises a fresh model (spec, last section):
// the control that shows what the architecture alone does to the data. Deterministic for a seed.
import type { EncoderConfig } from './config.ts';
import { EncoderError } from './runtime.ts';
import { encoderParameters, type EncoderWeights } from './weights.ts';

const TRUNC_NORMAL_STD = 0.02;
// torch.nn.init.trunc_normal_ and timm's trunc_normal_ cut at a = -2, b = 2 in absolute units
// (not standard deviations), which for std 0.02 is 100 standard deviations.
const TRUNC_NORMAL_BOUND = 2;

/** xoshiro128** seeded through splitmix32: a small, well-studied generator, the same in every JS engine. */
export class SeededRandom {
  private readonly state = new Uint32Array(4);

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new EncoderError(`The seed must be a non-negative integer, got ${seed}`);
    let x = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = z ^ (z >>> 16);
    }
  }

  private nextUint32(): number {
    const s = this.state;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.nextUint32() >>> 5) * 2 ** 26 + (this.nextUint32() >>> 6)) / 2 ** 53;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export function initialWeights(config: EncoderConfig, seed: number): EncoderWeights {
  const random = new SeededRandom(seed);
  const patchBound = 1 / Math.sqrt(config.historySize * config.patchSize ** 2);
  const weights: EncoderWeights = new Map();
  for (const spec of encoderParameters(config)) {
    const data = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    switch (spec.init) {
      case 'trunc-normal':
        for (let i = 0; i < data.length; i++) {
          let value: number;
          do value = random.normal() * TRUNC_NORMAL_STD;
          while (Math.abs(value) > TRUNC_NORMAL_BOUND);
          data[i] = value;
        }
        break;
      case 'patch-weight':
      case 'patch-bias':
        for (let i = 0; i < data.length; i++) data[i] = (2 * random.uniform() - 1) * patchBound;
        break;
      case 'ones':
        data.fill(1);
        break;
      case 'zeros':
        break;
    }
    weights.set(spec.name, { shape: spec.shape, data });
  }
  return weights;
}

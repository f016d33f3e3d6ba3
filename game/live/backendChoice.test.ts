import { describe, expect, it } from 'vitest';
import { chooseBackend, fallbackChain, isSoftwareRenderer, parseBackendPreference } from './backendChoice';

const SWIFTSHADER = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const NVIDIA = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)';

describe('backend choice', () => {
  it('recognises software renderers', () => {
    expect(isSoftwareRenderer(SWIFTSHADER)).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('Mesa/X.org, llvmpipe')).toBe(true);
    expect(isSoftwareRenderer(NVIDIA)).toBe(false);
    expect(isSoftwareRenderer('Apple M1')).toBe(false);
    expect(isSoftwareRenderer(null)).toBe(false);
  });

  it('prefers WebGL on a GPU and wasm on a software renderer or without WebGL', () => {
    expect(chooseBackend('auto', { webgl: true, renderer: NVIDIA, wasm: true }).backend).toBe('webgl');
    const sw = chooseBackend('auto', { webgl: true, renderer: SWIFTSHADER, wasm: true });
    expect(sw.backend).toBe('wasm');
    expect(sw.reason).toMatch(/software/);
    expect(chooseBackend('auto', { webgl: false, renderer: null, wasm: true }).backend).toBe('wasm');
    expect(chooseBackend('auto', { webgl: false, renderer: null, wasm: false }).backend).toBe('cpu');
    expect(chooseBackend('auto', { webgl: true, renderer: null, wasm: true }).backend).toBe('webgl');
  });

  it('honours an explicit preference when the browser can do it', () => {
    expect(chooseBackend('webgl', { webgl: true, renderer: SWIFTSHADER, wasm: true }).backend).toBe('webgl');
    expect(chooseBackend('webgl', { webgl: false, renderer: null, wasm: true }).backend).toBe('wasm');
    expect(chooseBackend('wasm', { webgl: true, renderer: NVIDIA, wasm: false }).backend).toBe('cpu');
    expect(chooseBackend('cpu', { webgl: true, renderer: NVIDIA, wasm: true }).backend).toBe('cpu');
  });

  it('parses attribute values and orders fallbacks', () => {
    expect(parseBackendPreference(' WASM ')).toBe('wasm');
    expect(parseBackendPreference('metal')).toBe('auto');
    expect(parseBackendPreference(null)).toBe('auto');
    expect(fallbackChain('webgl')).toEqual(['webgl', 'wasm', 'cpu']);
    expect(fallbackChain('wasm')).toEqual(['wasm', 'cpu']);
  });
});

/**
 * Drawing a photo tensor onto a canvas without reading it back to the CPU,
 * on tfjs's WebGL2 backend (tfjs 4.22 registers no `Draw` kernel for WebGL,
 * so `tf.browser.draw` is unavailable there).
 *
 * The tensor's texture (tensor.dataToGPU) is rendered by a tiny shader into
 * tfjs's own WebGL canvas, which is then copied into the target 2D canvas
 * with drawImage (a GPU-side copy in browsers). Every piece of WebGL state the
 * blit touches is saved and restored, so tfjs's next program runs unaffected.
 * Any failure returns false and the caller falls back to toPixels.
 */
import * as tf from '@tensorflow/tfjs';

const VERTEX = `#version 300 es
void main() {
  // One triangle covering the viewport, from gl_VertexID alone (no buffers).
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;

const FRAGMENT = `#version 300 es
precision highp float;
uniform highp sampler2D photo;
uniform int height;
out vec4 color;
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  // Tensor row 0 is the top of the image; GL's y = 0 is the bottom.
  color = vec4(texelFetch(photo, ivec2(p.x, height - 1 - p.y), 0).rgb, 1.0);
}`;

interface BlitProgram {
  program: WebGLProgram;
  vao: WebGLVertexArrayObject;
  photo: WebGLUniformLocation | null;
  height: WebGLUniformLocation | null;
}

const programs = new WeakMap<WebGL2RenderingContext, BlitProgram | null>();

function compile(gl: WebGL2RenderingContext): BlitProgram | null {
  const shader = (type: number, src: string) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s) ?? 'shader compile failed');
    return s;
  };
  const program = gl.createProgram()!;
  gl.attachShader(program, shader(gl.VERTEX_SHADER, VERTEX));
  gl.attachShader(program, shader(gl.FRAGMENT_SHADER, FRAGMENT));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(program) ?? 'link failed');
  const vao = gl.createVertexArray()!;
  return { program, vao, photo: gl.getUniformLocation(program, 'photo'), height: gl.getUniformLocation(program, 'height') };
}

/** The WebGL2 context of the active tfjs backend, or null when it is not WebGL2. */
function tfjsGl(): WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: unknown } }).gpgpu?.gl;
  const G = (globalThis as { WebGL2RenderingContext?: typeof WebGL2RenderingContext }).WebGL2RenderingContext;
  return G && gl instanceof G ? gl : null;
}

/**
 * Draws `photo` (int32 [h,w,3] in 0–255, or float32 in 0–1) into `target`
 * (resized to w×h). Returns false, having drawn nothing, when this path is not
 * available (not WebGL2, no 2D context on the target, shader failure).
 */
export function drawOnGpu(photo: tf.Tensor3D, target: HTMLCanvasElement | OffscreenCanvas): boolean {
  const gl = tfjsGl();
  if (!gl) return false;
  if (!programs.has(gl)) {
    try {
      programs.set(gl, compile(gl));
    } catch {
      programs.set(gl, null);
    }
  }
  const blit = programs.get(gl);
  if (!blit) return false;
  const ctx = target.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) return false;
  const [h, w] = photo.shape;
  // RGBA floats, one texel per pixel, dense: what dataToGPU lays out for customTexShape [h, w].
  const rgba = tf.tidy(() => {
    const unit = photo.dtype === 'int32' ? photo.toFloat().div(255) : photo;
    return tf.pad(unit, [[0, 0], [0, 0], [0, 1]], 1); // opaque alpha channel, one kernel
  });
  const gpu = rgba.dataToGPU({ customTexShape: [h, w] });
  rgba.dispose();
  if (!gpu.texture) {
    gpu.tensorRef.dispose();
    return false;
  }
  const saved = {
    program: gl.getParameter(gl.CURRENT_PROGRAM),
    vao: gl.getParameter(gl.VERTEX_ARRAY_BINDING),
    framebuffer: gl.getParameter(gl.FRAMEBUFFER_BINDING),
    viewport: gl.getParameter(gl.VIEWPORT) as Int32Array,
    activeTexture: gl.getParameter(gl.ACTIVE_TEXTURE),
    scissor: gl.isEnabled(gl.SCISSOR_TEST),
  };
  gl.activeTexture(gl.TEXTURE0);
  const savedTexture0 = gl.getParameter(gl.TEXTURE_BINDING_2D);
  try {
    const canvas = gl.canvas;
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.disable(gl.SCISSOR_TEST);
    gl.viewport(0, 0, w, h);
    gl.useProgram(blit.program);
    gl.bindVertexArray(blit.vao);
    gl.bindTexture(gl.TEXTURE_2D, gpu.texture ?? null);
    gl.uniform1i(blit.photo, 0);
    gl.uniform1i(blit.height, h);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    if (target.width !== w) target.width = w;
    if (target.height !== h) target.height = h;
    ctx.drawImage(canvas as CanvasImageSource, 0, 0);
    return true;
  } catch {
    return false;
  } finally {
    gl.bindTexture(gl.TEXTURE_2D, savedTexture0);
    gl.activeTexture(saved.activeTexture);
    gl.bindVertexArray(saved.vao);
    gl.useProgram(saved.program);
    gl.bindFramebuffer(gl.FRAMEBUFFER, saved.framebuffer);
    gl.viewport(saved.viewport[0], saved.viewport[1], saved.viewport[2], saved.viewport[3]);
    if (saved.scissor) gl.enable(gl.SCISSOR_TEST);
    gpu.tensorRef.dispose();
  }
}

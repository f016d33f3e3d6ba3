;; Fused Adam update with 128-bit SIMD, run on the tfjs wasm backend's own heap
;; (the module imports that Memory, so the tensors are read and written in place).
;; Same arithmetic as adamStep in adam.ts, in f32:
;;   m <- b1*m + a1*g ; v <- b2*v + a2*g*g ; w1 <- w0 - (step*m) / (sqrt(v*inv2) + eps)
;; Pointers are byte offsets of f32 arrays of n elements (tfjs aligns tensors to 16 bytes,
;; but v128.load/store do not require it). Compiled by scripts/build-wasm.ts.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $w0 i32) (param $m i32) (param $v i32) (param $g i32) (param $w1 i32) (param $n i32)
    (param $b1 f32) (param $a1 f32) (param $b2 f32) (param $a2 f32) (param $step f32) (param $inv2 f32) (param $eps f32)
    (local $i i32) (local $end i32) (local $vend i32)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128) (local $STEP v128) (local $INV2 v128) (local $EPS v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $STEP (f32x4.splat (local.get $step)))
    (local.set $INV2 (f32x4.splat (local.get $inv2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    ;; four lanes at a time
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $i) (local.get $vend)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (f32x4.add
          (f32x4.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $i))))
          (f32x4.mul (local.get $A1) (local.get $gv))))
        (local.set $vv (f32x4.add
          (f32x4.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $i))))
          (f32x4.mul (local.get $A2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $w1) (local.get $i))
          (f32x4.sub
            (v128.load (i32.add (local.get $w0) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $STEP) (local.get $mv))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (local.get $INV2))) (local.get $EPS)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vloop)))
    ;; the last n mod 4 elements
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.add
          (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $i))))
          (f32.mul (local.get $a1) (local.get $gs))))
        (local.set $vs (f32.add
          (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $i))))
          (f32.mul (local.get $a2) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $w1) (local.get $i))
          (f32.sub
            (f32.load (i32.add (local.get $w0) (local.get $i)))
            (f32.div
              (f32.mul (local.get $step) (local.get $ms))
              (f32.add (f32.sqrt (f32.mul (local.get $vs) (local.get $inv2))) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $loop)))))

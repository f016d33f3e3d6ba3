;; dst[c, r] (+)= src[r, c] for an f32 block of rows x cols, with row strides (in elements)
;; srcStride and dstStride, on the tfjs wasm backend's own heap (the module imports that Memory).
;; add = 0 writes, add = 1 accumulates. Plain transposes, im2col's gathers and col2im's
;; scatter-adds are all this one operation on strided blocks (see im2col.ts); addBlock below
;; is the untransposed scatter-add. 4x4 blocks are transposed in registers with
;; i8x16.shuffle, inside 32x32 tiles so that the rows written stay in cache; the
;; right and bottom strips left over (rows or cols not multiples of 4) go element by element.
;; Pointers are byte offsets. Compiled by scripts/build-wasm.ts.
(module
  (import "env" "memory" (memory 1))
  ;; store four lanes at p, or add them to what is there
  (func $put (param $p i32) (param $add i32) (param $x v128)
    (if (local.get $add)
      (then (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (local.get $x))))
      (else (v128.store (local.get $p) (local.get $x)))))
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $srcStride i32)
    (param $dst i32) (param $dstStride i32) (param $add i32)
    (local $r4 i32) (local $c4 i32) (local $rb i32) (local $cb i32) (local $re i32) (local $ce i32)
    (local $r i32) (local $c i32) (local $s i32) (local $o i32) (local $srow i32) (local $drow i32)
    (local $a v128) (local $b v128) (local $cc v128) (local $d v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $v f32)
    (local.set $srow (i32.shl (local.get $srcStride) (i32.const 2)))
    (local.set $drow (i32.shl (local.get $dstStride) (i32.const 2)))
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rb (i32.const 0))
    (block $rbDone (loop $rbLoop
      (br_if $rbDone (i32.ge_u (local.get $rb) (local.get $r4)))
      (local.set $re (select (i32.add (local.get $rb) (i32.const 32)) (local.get $r4)
        (i32.lt_u (i32.add (local.get $rb) (i32.const 32)) (local.get $r4))))
      (local.set $cb (i32.const 0))
      (block $cbDone (loop $cbLoop
        (br_if $cbDone (i32.ge_u (local.get $cb) (local.get $c4)))
        (local.set $ce (select (i32.add (local.get $cb) (i32.const 32)) (local.get $c4)
          (i32.lt_u (i32.add (local.get $cb) (i32.const 32)) (local.get $c4))))
        (local.set $r (local.get $rb))
        (block $rDone (loop $rLoop
          (br_if $rDone (i32.ge_u (local.get $r) (local.get $re)))
          (local.set $c (local.get $cb))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $ce)))
            (local.set $s (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $srcStride)) (local.get $c)) (i32.const 2))))
            (local.set $a (v128.load (local.get $s)))
            (local.set $b (v128.load (i32.add (local.get $s) (local.get $srow))))
            (local.set $cc (v128.load (i32.add (local.get $s) (i32.shl (local.get $srow) (i32.const 1)))))
            (local.set $d (v128.load (i32.add (local.get $s) (i32.mul (local.get $srow) (i32.const 3)))))
            ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $cc) (local.get $d)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $cc) (local.get $d)))
            (local.set $o (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dstStride)) (local.get $r)) (i32.const 2))))
            (call $put (local.get $o) (local.get $add)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (call $put (i32.add (local.get $o) (local.get $drow)) (local.get $add)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (call $put (i32.add (local.get $o) (i32.shl (local.get $drow) (i32.const 1))) (local.get $add)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (call $put (i32.add (local.get $o) (i32.mul (local.get $drow) (i32.const 3))) (local.get $add)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $cLoop)))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br $rLoop)))
        (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
        (br $cbLoop)))
      (local.set $rb (i32.add (local.get $rb) (i32.const 32)))
      (br $rbLoop)))
    ;; Leftovers: columns c4.. of rows 0..r4, then every column of rows r4..rows.
    (local.set $r (i32.const 0))
    (block $lrDone (loop $lrLoop
      (br_if $lrDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (select (local.get $c4) (i32.const 0) (i32.lt_u (local.get $r) (local.get $r4))))
      (block $lcDone (loop $lcLoop
        (br_if $lcDone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $o
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dstStride)) (local.get $r)) (i32.const 2))))
        (local.set $v
          (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $srcStride)) (local.get $c)) (i32.const 2)))))
        (if (local.get $add)
          (then (f32.store (local.get $o) (f32.add (f32.load (local.get $o)) (local.get $v))))
          (else (f32.store (local.get $o) (local.get $v))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $lcLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $lrLoop))))
  ;; dst[r, c] += src[r, c] for a rows x cols block with row strides srcStride and dstStride
  ;; (elements): col2im's scatter-add when the columns matrix is not transposed.
  (func (export "addBlock") (param $src i32) (param $rows i32) (param $cols i32) (param $srcStride i32)
    (param $dst i32) (param $dstStride i32)
    (local $r i32) (local $c i32) (local $s i32) (local $d i32) (local $c4 i32)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $r) (local.get $srcStride)) (i32.const 2))))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $r) (local.get $dstStride)) (i32.const 2))))
      (local.set $c (i32.const 0))
      (block $vDone (loop $vLoop
        (br_if $vDone (i32.ge_u (local.get $c) (local.get $c4)))
        (v128.store (local.get $d) (f32x4.add (v128.load (local.get $d)) (v128.load (local.get $s))))
        (local.set $s (i32.add (local.get $s) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $vLoop)))
      (block $sDone (loop $sLoop
        (br_if $sDone (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store (local.get $d) (f32.add (f32.load (local.get $d)) (f32.load (local.get $s))))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $sLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rLoop)))))

;; y + scale x with TensorFlow's flush-to-zero made explicit, for float32 arrays in the wasm
;; backend's memory (add-scaled.ts: an SGD step, or an L2 penalty's gradient):
;;   out = y + scale x,   x counted as 0 where |x| < threshold,   the sum flushed to zero if denormal
;; The caller passes threshold = 2^-126 / |scale|: below it, scale x would be denormal, which
;; flush-to-zero turns into 0; masking x first keeps every operation here on normal floats (no
;; microcode assist; see flush-denormals.ts).
;; The comparisons are on the bits: for floats of one sign, their order is the integers' order.
;; Pointers are byte offsets into the imported memory; n is the element count.
;; Build: node build/scripts/build-wasm-kernels.js (regenerates add-scaled-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "addScaled")
    (param $y i32) (param $x i32) (param $out i32) (param $n i32) (param $scale f32) (param $threshold f32)
    (local $offset i32) (local $end i32) (local $vectorEnd i32)
    (local $SCALE v128) (local $THRESHOLD v128) (local $MAGNITUDE v128) (local $EXPONENT v128) (local $ZERO v128)
    (local $xv v128) (local $sv v128)
    (local $xs f32) (local $ss f32)
    (local.set $SCALE (f32x4.splat (local.get $scale)))
    (local.set $THRESHOLD (i32x4.splat (i32.reinterpret_f32 (local.get $threshold))))
    (local.set $MAGNITUDE (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $EXPONENT (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $offset))))
        (local.set $xv (v128.and (local.get $xv)
          (i32x4.ge_u (v128.and (local.get $xv) (local.get $MAGNITUDE)) (local.get $THRESHOLD))))
        (local.set $sv (f32x4.add (v128.load (i32.add (local.get $y) (local.get $offset)))
                                  (f32x4.mul (local.get $SCALE) (local.get $xv))))
        (v128.store (i32.add (local.get $out) (local.get $offset))
          (v128.andnot (local.get $sv) (i32x4.eq (v128.and (local.get $sv) (local.get $EXPONENT)) (local.get $ZERO))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $xs (f32.load (i32.add (local.get $x) (local.get $offset))))
        (local.set $xs (select (local.get $xs) (f32.const 0)
          (i32.ge_u (i32.and (i32.reinterpret_f32 (local.get $xs)) (i32.const 0x7fffffff))
                    (i32.reinterpret_f32 (local.get $threshold)))))
        (local.set $ss (f32.add (f32.load (i32.add (local.get $y) (local.get $offset)))
                                (f32.mul (local.get $scale) (local.get $xs))))
        (f32.store (i32.add (local.get $out) (local.get $offset))
          (select (f32.const 0) (local.get $ss)
            (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $ss)) (i32.const 0x7f800000)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))))

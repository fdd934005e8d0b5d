;; The sum of the squares of a float32 array in the wasm backend's memory, with TensorFlow's
;; flush-to-zero made explicit: a value below 2^-63 in magnitude, whose square would be denormal,
;; adds 0 (masked first, on its bits, so no operation here meets a denormal; see flush-denormals.ts).
;;   out[0] = sum_i x_i^2 over |x_i| >= 2^-63
;; Four partial sums (one per SIMD lane) over the vectors, then the scalar tail, then the lanes.
;; Pointers are byte offsets into the imported memory; n is the element count.
;; Build: node build/scripts/build-wasm-kernels.js (regenerates sum-of-squares-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "sumOfSquares") (param $x i32) (param $out i32) (param $n i32)
    (local $offset i32) (local $end i32) (local $vectorEnd i32)
    (local $MAGNITUDE v128) (local $THRESHOLD v128) (local $xv v128) (local $sum v128)
    (local $xs f32) (local $total f32)
    (local.set $MAGNITUDE (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $THRESHOLD (v128.const i32x4 0x20000000 0x20000000 0x20000000 0x20000000)) ;; 2^-63
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $offset))))
        (local.set $xv (v128.and (local.get $xv)
          (i32x4.ge_u (v128.and (local.get $xv) (local.get $MAGNITUDE)) (local.get $THRESHOLD))))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $xv) (local.get $xv))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $xs (f32.load (i32.add (local.get $x) (local.get $offset))))
        (local.set $xs (select (local.get $xs) (f32.const 0)
          (i32.ge_u (i32.and (i32.reinterpret_f32 (local.get $xs)) (i32.const 0x7fffffff)) (i32.const 0x20000000))))
        (local.set $total (f32.add (local.get $total) (f32.mul (local.get $xs) (local.get $xs))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))
    (f32.store (local.get $out)
      (f32.add (local.get $total)
        (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
                 (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum))))))))

;; An L2 penalty's two per-step figures in one pass over the weights w, for float32 arrays in the
;; wasm backend's memory (l2-gradient.ts):
;;   out    = g + scale w     w counted as 0 where |w| < threshold (scale w would be denormal), the sum
;;                            flushed to zero if denormal: the gradient with the penalty's added
;;   sum[0] = sum of w^2      over |w| >= 2^-63 (a smaller w's square would be denormal): the penalty / l2
;; The caller passes scale = 2 l2 and threshold = 2^-126 / scale. Masks are integer operations on the
;; bits, so no operation here reads or makes a denormal (flush-denormals.ts).
;; Pointers are byte offsets into the imported memory; n is the element count.
;; Build: node build/scripts/build-wasm-kernels.js (regenerates l2-gradient-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "l2GradientAndSquares")
    (param $g i32) (param $w i32) (param $out i32) (param $sumOut i32) (param $n i32) (param $scale f32) (param $threshold f32)
    (local $offset i32) (local $end i32) (local $vectorEnd i32) (local $tScale i32)
    (local $SCALE v128) (local $FOR_SCALE v128) (local $FOR_SQUARE v128) (local $NORMAL v128)
    (local $wv v128) (local $wm v128) (local $kept v128) (local $sv v128) (local $sum v128)
    (local $ws f32) (local $wms i32) (local $kepts f32) (local $ss f32) (local $total f32)
    (local.set $SCALE (f32x4.splat (local.get $scale)))
    (local.set $tScale (i32.sub (i32.reinterpret_f32 (local.get $threshold)) (i32.const 1)))
    (local.set $FOR_SCALE (i32x4.splat (local.get $tScale)))
    (local.set $FOR_SQUARE (v128.const i32x4 0x1fffffff 0x1fffffff 0x1fffffff 0x1fffffff)) ;; 2^-63, less one
    (local.set $NORMAL (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $wv (v128.load (i32.add (local.get $w) (local.get $offset))))
        (local.set $wm (f32x4.abs (local.get $wv)))
        (local.set $kept (v128.and (local.get $wv) (i32x4.gt_s (local.get $wm) (local.get $FOR_SQUARE))))
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $kept) (local.get $kept))))
        (local.set $sv (f32x4.add (v128.load (i32.add (local.get $g) (local.get $offset)))
          (f32x4.mul (local.get $SCALE) (v128.and (local.get $wv) (i32x4.gt_s (local.get $wm) (local.get $FOR_SCALE))))))
        (v128.store (i32.add (local.get $out) (local.get $offset))
          (v128.and (local.get $sv) (i32x4.gt_s (f32x4.abs (local.get $sv)) (local.get $NORMAL))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $ws (f32.load (i32.add (local.get $w) (local.get $offset))))
        (local.set $wms (i32.and (i32.reinterpret_f32 (local.get $ws)) (i32.const 0x7fffffff)))
        (local.set $kepts (select (local.get $ws) (f32.const 0) (i32.gt_s (local.get $wms) (i32.const 0x1fffffff))))
        (local.set $total (f32.add (local.get $total) (f32.mul (local.get $kepts) (local.get $kepts))))
        (local.set $ss (f32.add (f32.load (i32.add (local.get $g) (local.get $offset)))
          (f32.mul (local.get $scale) (select (local.get $ws) (f32.const 0) (i32.gt_s (local.get $wms) (local.get $tScale))))))
        (f32.store (i32.add (local.get $out) (local.get $offset))
          (select (local.get $ss) (f32.const 0)
            (i32.gt_s (i32.and (i32.reinterpret_f32 (local.get $ss)) (i32.const 0x7fffffff)) (i32.const 0x007fffff))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))
    (f32.store (local.get $sumOut)
      (f32.add (local.get $total)
        (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
                 (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum))))))))

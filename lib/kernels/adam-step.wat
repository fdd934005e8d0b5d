;; One Adam-family step for one variable, over float32 arrays in the wasm backend's memory.
;;   m' = beta1 m + (1 - beta1) g
;;   v' = beta2 v + (1 - beta2) g g
;;   theta' = theta - (cm m' + cg g) / (sqrt(cv v') + eps)
;; Adam (Keras form) is cm = eta_T, cg = 0, cv = 1; NAdam sets cg and cv too.
;; Denormals are flushed to zero, as TensorFlow's CPU kernels do (WebAssembly cannot set the
;; FTZ/DAZ flags): g is read, and m', v' and theta' are written, with every value whose exponent
;; bits are all zero replaced by 0 - integer operations, which cost no microcode assist. m, v
;; and theta are this kernel's own flushed outputs and are read as they are (flush-denormals.ts).
;; Pointers are byte offsets into the imported memory; n is the element count.
;; Four elements at a time with 128-bit SIMD, then a scalar loop for the rest.
;; Build: node build/scripts/build-wasm-kernels.js (regenerates adam-step-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "adamStep")
    (param $theta i32) (param $m i32) (param $v i32) (param $g i32)
    (param $thetaOut i32) (param $mOut i32) (param $vOut i32) (param $n i32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $cm f32) (param $cg f32) (param $cv f32) (param $eps f32)
    (local $offset i32) (local $end i32) (local $vectorEnd i32)
    (local $B1 v128) (local $OB1 v128) (local $B2 v128) (local $OB2 v128)
    (local $CM v128) (local $CG v128) (local $CV v128) (local $EPS v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $tv v128) (local $EXPONENT v128) (local $ZERO v128)
    (local $gs f32) (local $ms f32) (local $vs f32) (local $ts f32)
    (local.set $EXPONENT (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $B1 (f32x4.splat (local.get $beta1)))
    (local.set $OB1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $B2 (f32x4.splat (local.get $beta2)))
    (local.set $OB2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $CM (f32x4.splat (local.get $cm)))
    (local.set $CG (f32x4.splat (local.get $cg)))
    (local.set $CV (f32x4.splat (local.get $cv)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $gv (v128.andnot (local.get $gv) (i32x4.eq (v128.and (local.get $gv) (local.get $EXPONENT)) (local.get $ZERO))))
        (local.set $mv
          (f32x4.add (f32x4.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $offset))))
                     (f32x4.mul (local.get $OB1) (local.get $gv))))
        (local.set $vv
          (f32x4.add (f32x4.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $offset))))
                     (f32x4.mul (local.get $OB2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (local.set $mv (v128.andnot (local.get $mv) (i32x4.eq (v128.and (local.get $mv) (local.get $EXPONENT)) (local.get $ZERO))))
        (local.set $vv (v128.andnot (local.get $vv) (i32x4.eq (v128.and (local.get $vv) (local.get $EXPONENT)) (local.get $ZERO))))
        (v128.store (i32.add (local.get $mOut) (local.get $offset)) (local.get $mv))
        (v128.store (i32.add (local.get $vOut) (local.get $offset)) (local.get $vv))
        (local.set $tv (f32x4.sub (v128.load (i32.add (local.get $theta) (local.get $offset)))
            (f32x4.div
              (f32x4.add (f32x4.mul (local.get $CM) (local.get $mv)) (f32x4.mul (local.get $CG) (local.get $gv)))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $CV) (local.get $vv))) (local.get $EPS)))))
        (v128.store (i32.add (local.get $thetaOut) (local.get $offset)) (v128.andnot (local.get $tv) (i32x4.eq (v128.and (local.get $tv) (local.get $EXPONENT)) (local.get $ZERO))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $gs (select (f32.const 0) (local.get $gs) (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $gs)) (i32.const 0x7f800000)))))
        (local.set $ms
          (f32.add (f32.mul (local.get $beta1) (f32.load (i32.add (local.get $m) (local.get $offset))))
                   (f32.mul (local.get $oneMinusBeta1) (local.get $gs))))
        (local.set $vs
          (f32.add (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $v) (local.get $offset))))
                   (f32.mul (local.get $oneMinusBeta2) (f32.mul (local.get $gs) (local.get $gs)))))
        (local.set $ms (select (f32.const 0) (local.get $ms) (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $ms)) (i32.const 0x7f800000)))))
        (local.set $vs (select (f32.const 0) (local.get $vs) (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $vs)) (i32.const 0x7f800000)))))
        (f32.store (i32.add (local.get $mOut) (local.get $offset)) (local.get $ms))
        (f32.store (i32.add (local.get $vOut) (local.get $offset)) (local.get $vs))
        (local.set $ts (f32.sub (f32.load (i32.add (local.get $theta) (local.get $offset)))
            (f32.div
              (f32.add (f32.mul (local.get $cm) (local.get $ms)) (f32.mul (local.get $cg) (local.get $gs)))
              (f32.add (f32.sqrt (f32.mul (local.get $cv) (local.get $vs))) (local.get $eps)))))
        (f32.store (i32.add (local.get $thetaOut) (local.get $offset)) (select (f32.const 0) (local.get $ts) (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $ts)) (i32.const 0x7f800000)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))))

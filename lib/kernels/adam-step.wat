;; One Adam-family step for one variable, over float32 arrays in the wasm backend's memory.
;;   m' = beta1 m + (1 - beta1) g
;;   v' = beta2 v + (1 - beta2) g g
;;   theta' = theta - (cm m' + cg g) / (sqrt(cv v') + eps)
;; Adam (Keras form) is cm = eta_T, cg = 0, cv = 1; NAdam sets cg too (cv >= 1 always).
;; Denormals are flushed to zero as TensorFlow's CPU kernels do, without being made where a value stays
;; small: WebAssembly cannot set the FTZ/DAZ flags, and on Intel CPUs each operation that reads or makes
;; a denormal takes a microcode assist (flush-denormals.ts). So g counts as 0 in each product c g, and
;; m' in cm m', where that product would be denormal (|x| below the threshold 2^-126 / |c| the caller
;; passes), and m', v' and theta' are written with denormals replaced by 0. The tests are integer
;; operations on the bits, magnitude > threshold bits - 1: for floats of one sign, their order is the
;; integers' order. (m and v are this kernel's flushed outputs, decaying through the band just above
;; 2^-126 once; their products are left unmasked.)
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
    (param $forMomentum f32) (param $forSquare f32) (param $forStep f32) (param $forLookAhead f32)
    (local $offset i32) (local $end i32) (local $vectorEnd i32)
    (local $B1 v128) (local $OB1 v128) (local $B2 v128) (local $OB2 v128)
    (local $CM v128) (local $CG v128) (local $CV v128) (local $EPS v128)
    (local $MAGNITUDE v128) (local $NORMAL v128)
    (local $FOR_MOMENTUM v128) (local $FOR_SQUARE v128) (local $FOR_STEP v128) (local $FOR_LOOK_AHEAD v128)
    (local $gv v128) (local $gm v128) (local $sq v128) (local $mv v128) (local $mm v128) (local $vv v128) (local $tv v128)
    (local $normal i32) (local $tMomentum i32) (local $tSquare i32) (local $tStep i32) (local $tLookAhead i32)
    (local $gs f32) (local $gms i32) (local $sqs f32) (local $ms f32) (local $vs f32) (local $ts f32)
    (local.set $B1 (f32x4.splat (local.get $beta1)))
    (local.set $OB1 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $B2 (f32x4.splat (local.get $beta2)))
    (local.set $OB2 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $CM (f32x4.splat (local.get $cm)))
    (local.set $CG (f32x4.splat (local.get $cg)))
    (local.set $CV (f32x4.splat (local.get $cv)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $MAGNITUDE (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $normal (i32.const 0x007fffff)) ;; magnitudes above this are normal (or inf, NaN)
    (local.set $tMomentum (i32.sub (i32.reinterpret_f32 (local.get $forMomentum)) (i32.const 1)))
    (local.set $tSquare (i32.sub (i32.reinterpret_f32 (local.get $forSquare)) (i32.const 1)))
    (local.set $tStep (i32.sub (i32.reinterpret_f32 (local.get $forStep)) (i32.const 1)))
    (local.set $tLookAhead (i32.sub (i32.reinterpret_f32 (local.get $forLookAhead)) (i32.const 1)))
    (local.set $NORMAL (i32x4.splat (local.get $normal)))
    (local.set $FOR_MOMENTUM (i32x4.splat (local.get $tMomentum)))
    (local.set $FOR_SQUARE (i32x4.splat (local.get $tSquare)))
    (local.set $FOR_STEP (i32x4.splat (local.get $tStep)))
    (local.set $FOR_LOOK_AHEAD (i32x4.splat (local.get $tLookAhead)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $gm (v128.and (local.get $gv) (local.get $MAGNITUDE)))
        (local.set $sq (v128.and (local.get $gv) (i32x4.gt_s (local.get $gm) (local.get $FOR_SQUARE))))
        (local.set $mv (f32x4.add (f32x4.mul (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $offset))))
                                  (f32x4.mul (local.get $OB1) (v128.and (local.get $gv) (i32x4.gt_s (local.get $gm) (local.get $FOR_MOMENTUM))))))
        (local.set $mm (v128.and (local.get $mv) (local.get $MAGNITUDE)))
        (local.set $mv (v128.and (local.get $mv) (i32x4.gt_s (local.get $mm) (local.get $NORMAL))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $offset))))
                                  (f32x4.mul (local.get $OB2) (f32x4.mul (local.get $sq) (local.get $sq)))))
        (local.set $vv (v128.and (local.get $vv) (i32x4.gt_s (v128.and (local.get $vv) (local.get $MAGNITUDE)) (local.get $NORMAL))))
        (v128.store (i32.add (local.get $mOut) (local.get $offset)) (local.get $mv))
        (v128.store (i32.add (local.get $vOut) (local.get $offset)) (local.get $vv))
        (local.set $tv (f32x4.sub (v128.load (i32.add (local.get $theta) (local.get $offset)))
          (f32x4.div
            (f32x4.add (f32x4.mul (local.get $CM) (v128.and (local.get $mv) (i32x4.gt_s (local.get $mm) (local.get $FOR_STEP))))
                       (f32x4.mul (local.get $CG) (v128.and (local.get $gv) (i32x4.gt_s (local.get $gm) (local.get $FOR_LOOK_AHEAD)))))
            (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $CV) (local.get $vv))) (local.get $EPS)))))
        (v128.store (i32.add (local.get $thetaOut) (local.get $offset)) (v128.and (local.get $tv) (i32x4.gt_s (v128.and (local.get $tv) (local.get $MAGNITUDE)) (local.get $NORMAL))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $gms (i32.and (i32.reinterpret_f32 (local.get $gs)) (i32.const 0x7fffffff)))
        (local.set $sqs (select (local.get $gs) (f32.const 0) (i32.gt_s (local.get $gms) (local.get $tSquare))))
        (local.set $ms (f32.add (f32.mul (local.get $beta1) (f32.load (i32.add (local.get $m) (local.get $offset))))
                                (f32.mul (local.get $oneMinusBeta1) (select (local.get $gs) (f32.const 0) (i32.gt_s (local.get $gms) (local.get $tMomentum))))))
        (local.set $ms (select (local.get $ms) (f32.const 0) (i32.gt_s (i32.and (i32.reinterpret_f32 (local.get $ms)) (i32.const 0x7fffffff)) (local.get $normal))))
        (local.set $vs (f32.add (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $v) (local.get $offset))))
                                (f32.mul (local.get $oneMinusBeta2) (f32.mul (local.get $sqs) (local.get $sqs)))))
        (local.set $vs (select (local.get $vs) (f32.const 0) (i32.gt_s (i32.and (i32.reinterpret_f32 (local.get $vs)) (i32.const 0x7fffffff)) (local.get $normal))))
        (f32.store (i32.add (local.get $mOut) (local.get $offset)) (local.get $ms))
        (f32.store (i32.add (local.get $vOut) (local.get $offset)) (local.get $vs))
        (local.set $ts (f32.sub (f32.load (i32.add (local.get $theta) (local.get $offset)))
          (f32.div
            (f32.add (f32.mul (local.get $cm) (select (local.get $ms) (f32.const 0) (i32.gt_s (i32.and (i32.reinterpret_f32 (local.get $ms)) (i32.const 0x7fffffff)) (local.get $tStep))))
                     (f32.mul (local.get $cg) (select (local.get $gs) (f32.const 0) (i32.gt_s (local.get $gms) (local.get $tLookAhead)))))
            (f32.add (f32.sqrt (f32.mul (local.get $cv) (local.get $vs))) (local.get $eps)))))
        (f32.store (i32.add (local.get $thetaOut) (local.get $offset)) (select (local.get $ts) (f32.const 0) (i32.gt_s (i32.and (i32.reinterpret_f32 (local.get $ts)) (i32.const 0x7fffffff)) (local.get $normal))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))))

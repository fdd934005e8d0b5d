;; One RMSprop (or Adagrad) step for one variable, over float32 arrays in the wasm backend's memory.
;;   s' = decay s + w g g
;;   theta' = theta - (eta g) / (sqrt(s') + eps)
;; RMSprop is decay = rho, w = 1 - rho; Adagrad's running sum is decay = w = 1
;; (multiplying by 1 is exact, so that is s + g g). The same float32 operations,
;; in the same order, as the optimizers' tf ops, so the results agree bit for bit.
;; Denormals are flushed to zero as TensorFlow's CPU kernels do (WebAssembly cannot set the FTZ/DAZ
;; flags; on Intel each operation on a denormal takes a microcode assist, flush-denormals.ts): g counts
;; as 0 in w g g, and in eta g, where that product would be denormal (|g| below the thresholds the
;; caller passes), and every output is written with denormals replaced by 0 - integer operations on
;; the bits, which cost no assist.
;; Pointers are byte offsets into the imported memory; n is the element count.
;; Four elements at a time with 128-bit SIMD, then a scalar loop for the rest.
;; Build: node build/scripts/build-wasm-kernels.js (regenerates rmsprop-step-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "rmspropStep")
    (param $theta i32) (param $s i32) (param $g i32) (param $thetaOut i32) (param $sOut i32) (param $n i32)
    (param $decay f32) (param $w f32) (param $eta f32) (param $eps f32) (param $forSquare f32) (param $forStep f32)
    (local $offset i32) (local $end i32) (local $vectorEnd i32)
    (local $DECAY v128) (local $W v128) (local $ETA v128) (local $EPS v128) (local $gv v128) (local $sv v128)
    (local $tv v128) (local $EXPONENT v128) (local $ZERO v128)
    (local $sq v128) (local $FOR_SQUARE v128) (local $FOR_STEP v128) (local $tSquare i32) (local $tStep i32)
    (local $gs f32) (local $sqs f32) (local $ss f32) (local $ts f32)
    (local.set $EXPONENT (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $tSquare (i32.sub (i32.reinterpret_f32 (local.get $forSquare)) (i32.const 1)))
    (local.set $tStep (i32.sub (i32.reinterpret_f32 (local.get $forStep)) (i32.const 1)))
    (local.set $FOR_SQUARE (i32x4.splat (local.get $tSquare)))
    (local.set $FOR_STEP (i32x4.splat (local.get $tStep)))
    (local.set $DECAY (f32x4.splat (local.get $decay)))
    (local.set $W (f32x4.splat (local.get $w)))
    (local.set $ETA (f32x4.splat (local.get $eta)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $sq (v128.and (local.get $gv) (i32x4.gt_s (f32x4.abs (local.get $gv)) (local.get $FOR_SQUARE))))
        (local.set $gv (v128.and (local.get $gv) (i32x4.gt_s (f32x4.abs (local.get $gv)) (local.get $FOR_STEP))))
        (local.set $sv
          (f32x4.add (f32x4.mul (local.get $DECAY) (v128.load (i32.add (local.get $s) (local.get $offset))))
                     (f32x4.mul (local.get $W) (f32x4.mul (local.get $sq) (local.get $sq)))))
        (local.set $sv (v128.andnot (local.get $sv) (i32x4.eq (v128.and (local.get $sv) (local.get $EXPONENT)) (local.get $ZERO))))
        (v128.store (i32.add (local.get $sOut) (local.get $offset)) (local.get $sv))
        (local.set $tv (f32x4.sub (v128.load (i32.add (local.get $theta) (local.get $offset)))
            (f32x4.div (f32x4.mul (local.get $ETA) (local.get $gv))
              (f32x4.add (f32x4.sqrt (local.get $sv)) (local.get $EPS)))))
        (v128.store (i32.add (local.get $thetaOut) (local.get $offset)) (v128.andnot (local.get $tv) (i32x4.eq (v128.and (local.get $tv) (local.get $EXPONENT)) (local.get $ZERO))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $sqs (select (local.get $gs) (f32.const 0) (i32.gt_s (i32.and (i32.reinterpret_f32 (local.get $gs)) (i32.const 0x7fffffff)) (local.get $tSquare))))
        (local.set $gs (select (local.get $gs) (f32.const 0) (i32.gt_s (i32.and (i32.reinterpret_f32 (local.get $gs)) (i32.const 0x7fffffff)) (local.get $tStep))))
        (local.set $ss
          (f32.add (f32.mul (local.get $decay) (f32.load (i32.add (local.get $s) (local.get $offset))))
                   (f32.mul (local.get $w) (f32.mul (local.get $sqs) (local.get $sqs)))))
        (local.set $ss (select (f32.const 0) (local.get $ss) (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $ss)) (i32.const 0x7f800000)))))
        (f32.store (i32.add (local.get $sOut) (local.get $offset)) (local.get $ss))
        (local.set $ts (f32.sub (f32.load (i32.add (local.get $theta) (local.get $offset)))
            (f32.div (f32.mul (local.get $eta) (local.get $gs))
              (f32.add (f32.sqrt (local.get $ss)) (local.get $eps)))))
        (f32.store (i32.add (local.get $thetaOut) (local.get $offset)) (select (f32.const 0) (local.get $ts) (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $ts)) (i32.const 0x7f800000)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))))

;; One momentum step for one variable, over float32 arrays in the wasm backend's memory.
;;   m' = mu m + eta g
;;   theta' = theta - m'                  (heavy ball: nesterov = 0)
;;   theta' = theta - (mu m' + eta g)     (Nesterov: nesterov = 1)
;; The same float32 operations, in the same order, as the Momentum and Nesterov
;; optimizers' tf ops, so the results agree bit for bit.
;; Denormals are flushed to zero as TensorFlow's CPU kernels do (WebAssembly cannot set the FTZ/DAZ
;; flags; on Intel each operation on a denormal takes a microcode assist, flush-denormals.ts): g counts
;; as 0 where eta g would be denormal (|g| below the threshold the caller passes), and every output is
;; written with denormals replaced by 0 - integer operations on the bits, which cost no assist.
;; Pointers are byte offsets into the imported memory; n is the element count.
;; Four elements at a time with 128-bit SIMD, then a scalar loop for the rest.
;; Build: node build/scripts/build-wasm-kernels.js (regenerates momentum-step-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "momentumStep")
    (param $theta i32) (param $m i32) (param $g i32) (param $thetaOut i32) (param $mOut i32) (param $n i32)
    (param $mu f32) (param $eta f32) (param $nesterov i32) (param $forStep f32)
    (local $offset i32) (local $end i32) (local $vectorEnd i32)
    (local $MU v128) (local $ETA v128) (local $sgv v128) (local $mv v128)
    (local $gv v128) (local $tv v128) (local $EXPONENT v128) (local $ZERO v128) (local $FOR_STEP v128) (local $tStep i32)
    (local $gs f32) (local $sgs f32) (local $ms f32) (local $ts f32)
    (local.set $EXPONENT (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $tStep (i32.sub (i32.reinterpret_f32 (local.get $forStep)) (i32.const 1)))
    (local.set $FOR_STEP (i32x4.splat (local.get $tStep)))
    (local.set $MU (f32x4.splat (local.get $mu)))
    (local.set $ETA (f32x4.splat (local.get $eta)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $gv (v128.and (local.get $gv) (i32x4.gt_s (f32x4.abs (local.get $gv)) (local.get $FOR_STEP))))
        (local.set $sgv (f32x4.mul (local.get $ETA) (local.get $gv)))
        (local.set $mv
          (f32x4.add (f32x4.mul (local.get $MU) (v128.load (i32.add (local.get $m) (local.get $offset))))
                     (local.get $sgv)))
        (local.set $mv (v128.andnot (local.get $mv) (i32x4.eq (v128.and (local.get $mv) (local.get $EXPONENT)) (local.get $ZERO))))
        (v128.store (i32.add (local.get $mOut) (local.get $offset)) (local.get $mv))
        (local.set $tv (f32x4.sub (v128.load (i32.add (local.get $theta) (local.get $offset)))
            (if (result v128) (local.get $nesterov)
              (then (f32x4.add (f32x4.mul (local.get $MU) (local.get $mv)) (local.get $sgv)))
              (else (local.get $mv)))))
        (v128.store (i32.add (local.get $thetaOut) (local.get $offset)) (v128.andnot (local.get $tv) (i32x4.eq (v128.and (local.get $tv) (local.get $EXPONENT)) (local.get $ZERO))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $gs (select (local.get $gs) (f32.const 0) (i32.gt_s (i32.and (i32.reinterpret_f32 (local.get $gs)) (i32.const 0x7fffffff)) (local.get $tStep))))
        (local.set $sgs (f32.mul (local.get $eta) (local.get $gs)))
        (local.set $ms
          (f32.add (f32.mul (local.get $mu) (f32.load (i32.add (local.get $m) (local.get $offset))))
                   (local.get $sgs)))
        (local.set $ms (select (f32.const 0) (local.get $ms) (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $ms)) (i32.const 0x7f800000)))))
        (f32.store (i32.add (local.get $mOut) (local.get $offset)) (local.get $ms))
        (local.set $ts (f32.sub (f32.load (i32.add (local.get $theta) (local.get $offset)))
            (if (result f32) (local.get $nesterov)
              (then (f32.add (f32.mul (local.get $mu) (local.get $ms)) (local.get $sgs)))
              (else (local.get $ms)))))
        (f32.store (i32.add (local.get $thetaOut) (local.get $offset)) (select (f32.const 0) (local.get $ts) (i32.eqz (i32.and (i32.reinterpret_f32 (local.get $ts)) (i32.const 0x7f800000)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))))

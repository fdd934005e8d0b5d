;; One momentum step for one variable, over float32 arrays in the wasm backend's memory.
;;   m' = mu m + eta g
;;   theta' = theta - m'                  (heavy ball: nesterov = 0)
;;   theta' = theta - (mu m' + eta g)     (Nesterov: nesterov = 1)
;; The same float32 operations, in the same order, as the Momentum and Nesterov
;; optimizers' tf ops, so the results agree bit for bit.
;; Pointers are byte offsets into the imported memory; n is the element count.
;; Four elements at a time with 128-bit SIMD, then a scalar loop for the rest.
;; Build: node build/scripts/build-wasm-kernels.js (regenerates momentum-step-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "momentumStep")
    (param $theta i32) (param $m i32) (param $g i32) (param $thetaOut i32) (param $mOut i32) (param $n i32)
    (param $mu f32) (param $eta f32) (param $nesterov i32)
    (local $offset i32) (local $end i32) (local $vectorEnd i32)
    (local $MU v128) (local $ETA v128) (local $sgv v128) (local $mv v128)
    (local $sgs f32) (local $ms f32)
    (local.set $MU (f32x4.splat (local.get $mu)))
    (local.set $ETA (f32x4.splat (local.get $eta)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $sgv (f32x4.mul (local.get $ETA) (v128.load (i32.add (local.get $g) (local.get $offset)))))
        (local.set $mv
          (f32x4.add (f32x4.mul (local.get $MU) (v128.load (i32.add (local.get $m) (local.get $offset))))
                     (local.get $sgv)))
        (v128.store (i32.add (local.get $mOut) (local.get $offset)) (local.get $mv))
        (v128.store (i32.add (local.get $thetaOut) (local.get $offset))
          (f32x4.sub (v128.load (i32.add (local.get $theta) (local.get $offset)))
            (if (result v128) (local.get $nesterov)
              (then (f32x4.add (f32x4.mul (local.get $MU) (local.get $mv)) (local.get $sgv)))
              (else (local.get $mv)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vectors)))
    (block $scalarsDone
      (loop $scalars
        (br_if $scalarsDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $sgs (f32.mul (local.get $eta) (f32.load (i32.add (local.get $g) (local.get $offset)))))
        (local.set $ms
          (f32.add (f32.mul (local.get $mu) (f32.load (i32.add (local.get $m) (local.get $offset))))
                   (local.get $sgs)))
        (f32.store (i32.add (local.get $mOut) (local.get $offset)) (local.get $ms))
        (f32.store (i32.add (local.get $thetaOut) (local.get $offset))
          (f32.sub (f32.load (i32.add (local.get $theta) (local.get $offset)))
            (if (result f32) (local.get $nesterov)
              (then (f32.add (f32.mul (local.get $mu) (local.get $ms)) (local.get $sgs)))
              (else (local.get $ms)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalars)))))

;; Matrix products whose left operand is mostly zeros - a batch of MNIST images, four fifths of
;; whose pixels are black - that skip the zeros, over float32 arrays in the wasm backend's memory:
;;   matMulSkippingZeros            out[m x n] = a[m x k] b[k x n]
;;   transposedMatMulSkippingZeros  out[k x n] = a[m x k]^T d[m x n]
;; A zero of `a` adds 0 * b = 0 to a sum, so leaving it out changes no sum (bar a NaN or an
;; infinity in b, which training reports through its loss anyway). Each output element is its
;; products summed in the order of the shared index. n must be a multiple of 4: the columns go
;; 32 at a time (eight SIMD accumulators) and then 4 at a time.
;; Pointers are byte offsets into the imported memory.
;; Build: node build/scripts/build-wasm-kernels.js (regenerates sparse-mat-mul-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "matMulSkippingZeros")
    (param $a i32) (param $b i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $j i32) (local $kk i32) (local $rowA i32) (local $rowOut i32) (local $at i32)
    (local $rowBytes i32) (local $value f32) (local $s v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $rowA (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 2))))
      (local.set $rowOut (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $j (i32.const 0))
      ;; 32 columns at a time.
      (block $widesDone (loop $wides
        (br_if $widesDone (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $n)))
        (local.set $c0 (v128.const i32x4 0 0 0 0)) (local.set $c1 (v128.const i32x4 0 0 0 0))
        (local.set $c2 (v128.const i32x4 0 0 0 0)) (local.set $c3 (v128.const i32x4 0 0 0 0))
        (local.set $c4 (v128.const i32x4 0 0 0 0)) (local.set $c5 (v128.const i32x4 0 0 0 0))
        (local.set $c6 (v128.const i32x4 0 0 0 0)) (local.set $c7 (v128.const i32x4 0 0 0 0))
        (local.set $kk (i32.const 0))
        (block $sumDone (loop $sum
          (br_if $sumDone (i32.ge_u (local.get $kk) (local.get $k)))
          (local.set $value (f32.load (i32.add (local.get $rowA) (i32.shl (local.get $kk) (i32.const 2)))))
          (if (f32.ne (local.get $value) (f32.const 0)) (then
            (local.set $s (f32x4.splat (local.get $value)))
            (local.set $at (i32.add (local.get $b)
              (i32.add (i32.mul (local.get $kk) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $s) (v128.load offset=0 (local.get $at)))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $at)))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $at)))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $at)))))
            (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $s) (v128.load offset=64 (local.get $at)))))
            (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $s) (v128.load offset=80 (local.get $at)))))
            (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $s) (v128.load offset=96 (local.get $at)))))
            (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $s) (v128.load offset=112 (local.get $at)))))))
          (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
          (br $sum)))
        (local.set $at (i32.add (local.get $rowOut) (i32.shl (local.get $j) (i32.const 2))))
        (v128.store offset=0 (local.get $at) (local.get $c0)) (v128.store offset=16 (local.get $at) (local.get $c1))
        (v128.store offset=32 (local.get $at) (local.get $c2)) (v128.store offset=48 (local.get $at) (local.get $c3))
        (v128.store offset=64 (local.get $at) (local.get $c4)) (v128.store offset=80 (local.get $at) (local.get $c5))
        (v128.store offset=96 (local.get $at) (local.get $c6)) (v128.store offset=112 (local.get $at) (local.get $c7))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $wides)))
      ;; The rest, 4 columns at a time.
      (block $narrowsDone (loop $narrows
        (br_if $narrowsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $c0 (v128.const i32x4 0 0 0 0))
        (local.set $kk (i32.const 0))
        (block $sumDone (loop $sum
          (br_if $sumDone (i32.ge_u (local.get $kk) (local.get $k)))
          (local.set $value (f32.load (i32.add (local.get $rowA) (i32.shl (local.get $kk) (i32.const 2)))))
          (if (f32.ne (local.get $value) (f32.const 0)) (then
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (f32x4.splat (local.get $value))
              (v128.load (i32.add (local.get $b)
                (i32.add (i32.mul (local.get $kk) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 2))))))))))
          (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
          (br $sum)))
        (v128.store (i32.add (local.get $rowOut) (i32.shl (local.get $j) (i32.const 2))) (local.get $c0))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $narrows)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

  (func (export "transposedMatMulSkippingZeros")
    (param $a i32) (param $d i32) (param $out i32) (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $j i32) (local $kk i32) (local $rowOut i32) (local $at i32)
    (local $rowBytes i32) (local $strideA i32) (local $value f32) (local $s v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $strideA (i32.shl (local.get $k) (i32.const 2)))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $kk) (local.get $k)))
      (local.set $rowOut (i32.add (local.get $out) (i32.mul (local.get $kk) (local.get $rowBytes))))
      (local.set $j (i32.const 0))
      (block $widesDone (loop $wides
        (br_if $widesDone (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $n)))
        (local.set $c0 (v128.const i32x4 0 0 0 0)) (local.set $c1 (v128.const i32x4 0 0 0 0))
        (local.set $c2 (v128.const i32x4 0 0 0 0)) (local.set $c3 (v128.const i32x4 0 0 0 0))
        (local.set $c4 (v128.const i32x4 0 0 0 0)) (local.set $c5 (v128.const i32x4 0 0 0 0))
        (local.set $c6 (v128.const i32x4 0 0 0 0)) (local.set $c7 (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $sumDone (loop $sum
          (br_if $sumDone (i32.ge_u (local.get $i) (local.get $m)))
          (local.set $value (f32.load (i32.add (local.get $a)
            (i32.add (i32.mul (local.get $i) (local.get $strideA)) (i32.shl (local.get $kk) (i32.const 2))))))
          (if (f32.ne (local.get $value) (f32.const 0)) (then
            (local.set $s (f32x4.splat (local.get $value)))
            (local.set $at (i32.add (local.get $d)
              (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $s) (v128.load offset=0 (local.get $at)))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $at)))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $at)))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $at)))))
            (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $s) (v128.load offset=64 (local.get $at)))))
            (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $s) (v128.load offset=80 (local.get $at)))))
            (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $s) (v128.load offset=96 (local.get $at)))))
            (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $s) (v128.load offset=112 (local.get $at)))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $sum)))
        (local.set $at (i32.add (local.get $rowOut) (i32.shl (local.get $j) (i32.const 2))))
        (v128.store offset=0 (local.get $at) (local.get $c0)) (v128.store offset=16 (local.get $at) (local.get $c1))
        (v128.store offset=32 (local.get $at) (local.get $c2)) (v128.store offset=48 (local.get $at) (local.get $c3))
        (v128.store offset=64 (local.get $at) (local.get $c4)) (v128.store offset=80 (local.get $at) (local.get $c5))
        (v128.store offset=96 (local.get $at) (local.get $c6)) (v128.store offset=112 (local.get $at) (local.get $c7))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $wides)))
      (block $narrowsDone (loop $narrows
        (br_if $narrowsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $c0 (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $sumDone (loop $sum
          (br_if $sumDone (i32.ge_u (local.get $i) (local.get $m)))
          (local.set $value (f32.load (i32.add (local.get $a)
            (i32.add (i32.mul (local.get $i) (local.get $strideA)) (i32.shl (local.get $kk) (i32.const 2))))))
          (if (f32.ne (local.get $value) (f32.const 0)) (then
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (f32x4.splat (local.get $value))
              (v128.load (i32.add (local.get $d)
                (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 2))))))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $sum)))
        (v128.store (i32.add (local.get $rowOut) (i32.shl (local.get $j) (i32.const 2))) (local.get $c0))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $narrows)))
      (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
      (br $rows)))))

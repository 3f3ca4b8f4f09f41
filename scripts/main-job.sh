#!/usr/bin/env bash
# The README's main command: installs what is missing, builds in release mode, and reproduces the course study on the
# bundled fixtures: the MNIST-1D model's statistics, explanations and Table I (first 100 test samples, frac 0.3, as the
# course did) with a report showing samples 115 and 972; then the HMT-architecture model's maps and Table I on its
# 2-D sample crops (frac 0.9); then a folder of image files explained with Grad-CAM, figures over the pictures.
# Reports land in out/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product keraslens
keraslens=".build/release/keraslens"
start=$(date +%s)

"$keraslens" inspect Fixtures/MNIST1D.h5
echo
"$keraslens" evaluate Fixtures/MNIST1D.h5 --input Fixtures/mnist1d_test_x.npy --labels Fixtures/mnist1d_test_y.npy \
    --dataset MNIST-1D --layer conv1d_2 --samples 100 --frac 0.3 --show 115,972 \
    --methods gradcam,gradcam++,ablationcam,lime,scorecam,layercam,xgradcam,hirescam,eigencam,saliency,smoothgrad,integrated-gradients,occlusion,rise,sise \
    --report out/mnist1d
echo
"$keraslens" inspect Fixtures/HMT.h5
echo
"$keraslens" evaluate Fixtures/HMT.h5 --input Fixtures/hmt_inputs.npy --dataset "HMT crops" --layer max_pooling2d_1 \
    --frac 0.9 --show 0,1 --methods gradcam,gradcam++,ablationcam,layercam,eigencam --report out/hmt
"$keraslens" explain Fixtures/HMT.h5 --input Fixtures/hmt_inputs.npy --method gradcam --layer max_pooling2d_1 \
    --output out/hmt/gradcam_maps.npy --png out/hmt/gradcam
echo
# A folder of images end to end: the fixture pictures (PNG and JPEG; RGB, gray, palette, RGBA, bilevel; each its own
# size) in a clean folder (Fixtures/images also holds Keras's expected arrays in a subfolder, which would make it a
# folder of classes), resized bilinearly to HMT's 224x224, scaled to [0, 1], explained with Grad-CAM at the layer
# picked for the model, the overlays drawn over the original pictures.
rm -rf out/images && mkdir -p out/images && cp Fixtures/images/*.png Fixtures/images/*.jpg out/images/
"$keraslens" explain Fixtures/HMT.h5 --input out/images --method gradcam --resize bilinear --preprocess unit \
    --output out/images_gradcam.npy --png out/images_gradcam
echo
echo "main job finished in $(( $(date +%s) - start )) s (after the build)"

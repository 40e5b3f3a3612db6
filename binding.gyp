{
  "targets": [
    {
      "target_name": "reckit",
      "sources": ["<!@(node -p \"require('fs').readdirSync('src/engine/kernels/native').filter(f=>f.endsWith('.cc')).map(f=>'src/engine/kernels/native/'+f).join(' ')\")"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "src/engine/kernels/native", "<!@(node scripts/hnswlib-headers.mjs)"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS", "<!@(node scripts/hnswlib-headers.mjs --define)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-ffp-contract=off", "-pthread"],
      "ldflags": ["-pthread"]
    }
  ]
}

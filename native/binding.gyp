{
  "targets": [{
    "target_name": "vipkeeper_native",
    "sources": ["src/addon.cc", "src/raw_socket.cc", "src/packet_socket.cc", "src/unix_dgram.cc"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
    "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"]
  }]
}

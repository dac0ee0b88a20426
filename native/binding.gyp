{
  "targets": [{
    "target_name": "vipkeeper_native",
    "sources": ["src/addon.cc", "src/raw_socket.cc", "src/packet_socket.cc", "src/unix_dgram.cc", "src/nss.cc"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
    "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"]
  }, {
    "target_name": "vipkeeper-exec",
    "type": "executable",
    "sources": ["src/exec_launcher.c"],
    "cflags": ["-std=c11", "-Wall", "-Wextra", "-O2"]
  }]
}

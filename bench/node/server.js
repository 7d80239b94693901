// Minimal Socket.IO broadcast peer: join the room named in auth, rebroadcast sends to it.
const http = require("http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 3000);
const server = http.createServer();
const io = new Server(server, { cors: { origin: false } });
let seq = 0;

io.on("connection", (socket) => {
  const room = (socket.handshake.auth && socket.handshake.auth.room) || "lobby";
  socket.join(room);
  socket.on("message:send", (data, ack) => {
    seq += 1;
    const message = {
      id: seq.toString(16).padStart(24, "0"), conversation_id: data.conversation_id, seq,
      author_id: socket.id, type: "text", text: data.text, client_msg_id: data.client_msg_id,
      created_at: new Date().toISOString(),
    };
    io.to(room).emit("message:new", message);
    if (typeof ack === "function") ack({ ok: true, message });
  });
});

server.listen(port, "127.0.0.1", () => console.log(`node peer on ${port}`));

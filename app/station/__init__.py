"""The dock flow as a pure state machine: `(state, input) -> (state, actions)`, no Qt and no I/O.

What a scan, a typed line or a key means at each step lives here and is tested without a screen. The Qt
side (ui/screens/station_controller.py) forwards inputs, runs the requested service calls on the database
thread, feeds their results back in, and renders the state.
"""

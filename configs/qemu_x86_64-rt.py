# kunit.py --qemu_config for x86_64 with PREEMPT_RT: the series removes the RT-only delayed
# mmdrop, and __mmdrop() may now run in contexts that are preemptible on RT. Lockdep on, no KASAN
# (the non-RT x86_64 kernel has it).
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_PROVE_LOCKING=y
CONFIG_EXPERT=y
CONFIG_PREEMPT=y
CONFIG_PREEMPT_RT=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-smp', '4'])
